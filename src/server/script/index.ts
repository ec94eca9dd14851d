// The language services for ZooKeeper scripts (.zk, language id "zookeeper-script"): pure functions
// over the text, no VS Code and no LSP connection, so the server only wires them up.
export { ACL_SCHEMES, checkAclList, type AclProblem } from './aclSyntax';
export {
  COMMANDS,
  UNSUPPORTED,
  commandMarkdown,
  findCommand,
  isDestructive,
  type ArgKind,
  type ArgSpec,
  type CommandSpec,
  type FlagConflict,
  type FlagSpec,
  type FlagValueKind,
  type PathRule,
} from './commands';
export { complete, type ChildrenAnswer, type ChildrenLookup } from './completion';
export { diagnose, diagnoseCommand } from './diagnostics';
export { hover, type DescribePath } from './hover';
export { isComment, lexLine, splitLines, type LexedLine, type ParseError, type ScriptToken } from './lexer';
export { SOURCE as DIAGNOSTIC_SOURCE } from './lsp';
export {
  commandAt,
  directive,
  parseScript,
  toScript,
  type Directive,
  type ParsedArg,
  type ParsedCommand,
  type ParsedFlag,
  type ParsedScript,
  type ScriptInput,
} from './parser';
export { diagnosePathsExist, type ExistsLookup } from './pathsExist';
export { suggestCommand } from './suggest';
export { documentSymbols } from './symbols';
export { WATCH_MODES } from './values';
