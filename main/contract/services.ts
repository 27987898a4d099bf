export type ServiceProbe = 'ollama';

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
