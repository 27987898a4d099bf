export interface Downloader {
  download(url: string, targetFilePath: string): Promise<void>;
}
export function partialDownloadDir(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): string;
export function createResumableDownloader(options: {
  partialDir: string;
  log(line: string): void;
  progressEveryMs?: number;
  fetchImpl?: typeof fetch;
}): Downloader;
export function installedElectron():
  { reason: string } | { pkgDir: string; missing: true } | { pkgDir: string; binary: string };
export function downloadElectronRuntime(pkgDir: string, log: (line: string) => void): Promise<void>;
export function electronBinary(log: (line: string) => void): Promise<{ binary: string } | { reason: string }>;
