export { codeActions } from './codeActions';
export { complete } from './completion';
export { describeMarkdown, describeType } from './describe';
export { diagnose, DIAGNOSTIC_SOURCE, type ConfigDiagnosticData, type DiagnoseOptions } from './diagnostics';
export { hover } from './hover';
export { parseConfig, trimmedValueRange, valueSubRange, type ConfigEntry, type ParsedConfig, type ParseProblem } from './parser';
export {
  EXACT_KEYS,
  PROPERTIES,
  SECTION_TITLES,
  findByGuideName,
  findProperty,
  systemPropertyOf,
  type PropertyInfo,
  type PropertyType,
  type ReadBy,
  type Section,
} from './properties';
export { parseServerValue, type ServerLine } from './serverLine';
