export type ServiceProbe = 'ollama';

/** A service id as a regular-expression source (JSON Schema takes it as text): a lower-case slug. */
export const SERVICE_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';
const SERVICE_ID = new RegExp(SERVICE_ID_PATTERN);
/** What a service id must be, for error messages. */
export const SERVICE_ID_RULE = 'must be lower-case letters, digits and dashes (at most 40)';

export const isServiceId = (v: unknown): boolean => typeof v === 'string' && SERVICE_ID.test(v);

export interface ServiceConfig {
  /** Lower-case slug: letters, digits and dashes. */
  id: string;
  name: string;
  ports: number[];
  processNames: string[];
  /** A regular expression matched against the full command line. */
  commandPattern?: string;
  probe?: ServiceProbe;
}

/** The UnaMentis stack. */
export const DEFAULT_SERVICES: readonly ServiceConfig[] = [
  { id: 'management-console', name: 'Management Console', ports: [8766], processNames: [] },
  { id: 'ollama', name: 'Ollama', ports: [11434], processNames: ['ollama'], probe: 'ollama' },
  { id: 'vibevoice', name: 'VibeVoice TTS', ports: [8880], processNames: [] },
  { id: 'nextjs', name: 'Next.js dashboard', ports: [3000], processNames: [] },
  { id: 'piper', name: 'Piper TTS', ports: [11402], processNames: [] },
  { id: 'whisper', name: 'Whisper STT', ports: [11401], processNames: [] },
];
