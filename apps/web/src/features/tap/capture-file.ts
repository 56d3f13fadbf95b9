// Saved captures: NDJSON, one TapEvent per line, exactly what `signalbox tap -o json` prints, so a capture from the
// CLI loads in the dashboard and an export from the dashboard replays with any NDJSON tool. Loading also takes the
// relay's raw messages (`{"type":"event","event":…}`, `{"type":"dropped",…}`) and reports bad lines one by one.
import { tapEventSchema, tapMessageSchema, type TapEvent } from '@signalbox/shared';

export interface CaptureLineError {
  /** 1-based, as editors number lines. */
  readonly line: number;
  readonly message: string;
}

export interface ParsedCapture {
  readonly events: TapEvent[];
  /** `dropped` notices found in the file, summed. */
  readonly dropped: number;
  /** The first `maxErrors` bad lines; `errorCount` has them all. */
  readonly errors: CaptureLineError[];
  readonly errorCount: number;
}

export const CAPTURE_MIME = 'application/x-ndjson';

export function parseCapture(text: string, maxErrors = 20): ParsedCapture {
  const events: TapEvent[] = [];
  const errors: CaptureLineError[] = [];
  let errorCount = 0;
  let dropped = 0;
  const fail = (line: number, message: string) => {
    errorCount += 1;
    if (errors.length < maxErrors) errors.push({ line, message });
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      fail(i + 1, 'not JSON');
      continue;
    }
    if (typeof json === 'object' && json !== null && 'type' in json) {
      const message = tapMessageSchema.safeParse(json);
      if (!message.success) fail(i + 1, issueText(message.error.issues));
      else if (message.data.type === 'event') events.push(message.data.event);
      else if (message.data.type === 'dropped') dropped += message.data.count;
      continue;
    }
    const event = tapEventSchema.safeParse(json);
    if (event.success) events.push(event.data);
    else fail(i + 1, issueText(event.error.issues));
  }
  return { events, dropped, errors, errorCount };
}

function issueText(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (!issue) return 'not a tap event';
  const path = issue.path.map(String).join('.');
  return `not a tap event: ${path ? `${path}: ` : ''}${issue.message}`;
}

/** One TapEvent per line, newline-terminated (the CLI's `-o json`). */
export function toCapture(events: Iterable<TapEvent>): string {
  let out = '';
  for (const e of events) out += `${JSON.stringify(e)}\n`;
  return out;
}

/** `tap-demo-deploy-web-2024-05-01T10-20-30Z.ndjson`. */
export function captureFileName(label: string, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const safe = label.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `tap-${safe || 'capture'}-${stamp}.ndjson`;
}
