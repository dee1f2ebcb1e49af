// Opens a file in the desktop's default application, through the `open` package (xdg-open, open, start).
import open from 'open';
import { warn } from './io';

// Opens `file`; on a machine without a desktop says so instead of failing the command.
export async function openInBrowser(file: string): Promise<void> {
  try {
    const child = await open(file, { wait: false });
    child.on('error', (e) => warn(`could not open ${file}: ${e.message}`));
  } catch (e) {
    warn(`could not open ${file}: ${(e as Error).message}`);
  }
}
