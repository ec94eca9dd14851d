import type { PropertyType, Unit } from '../properties';

export const int = (unit?: Unit): PropertyType => ({ kind: 'int', unit });
export const long = (unit?: Unit): PropertyType => ({ kind: 'long', unit });
export const double: PropertyType = { kind: 'double' };
export const bool: PropertyType = { kind: 'boolean' };
export const yesno: PropertyType = { kind: 'yesno' };
export const oneOf = (...values: string[]): PropertyType => ({ kind: 'enum', values });
export const port: PropertyType = { kind: 'port' };
export const optionalPort: PropertyType = { kind: 'port', zeroMeansUnset: true };
export const host: PropertyType = { kind: 'host' };
export const path: PropertyType = { kind: 'path' };
export const className = (...suggestions: string[]): PropertyType => ({ kind: 'className', suggestions });
export const list = (...items: string[]): PropertyType => ({ kind: 'list', items: items.length ? items : undefined });
export const text: PropertyType = { kind: 'string' };
