// Structured log lines for local runs, in the shape Powertools uses in Lambda (level, message,
// timestamp, service, then fields), written to a sink (stderr for the CLI). Email addresses in
// fields are masked: logs must not carry them in full.
import type { Logger } from '#core/ports.ts';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
const ORDER: Record<Level, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 99 };

export function maskEmail(text: string): string {
  return text.replace(/([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, '$1***@$2');
}

function masked(value: unknown): unknown {
  if (typeof value === 'string') return maskEmail(value);
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, masked(inner)]));
  return value;
}

export function createJsonLogger(options: { level?: Level; service?: string; sink: (line: string) => void }): Logger {
  const threshold = ORDER[options.level ?? 'WARN'];
  const write = (level: Exclude<Level, 'SILENT'>, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    const entry = {
      level,
      message: maskEmail(message),
      timestamp: new Date().toISOString(),
      service: options.service ?? 'mnp-briefings',
      ...(masked(fields ?? {}) as object),
    };
    options.sink(JSON.stringify(entry));
  };
  return {
    info: (message, fields) => write('INFO', message, fields),
    warn: (message, fields) => write('WARN', message, fields),
    error: (message, fields) => write('ERROR', message, fields),
  };
}
