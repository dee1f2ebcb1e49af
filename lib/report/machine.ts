// The machine this process runs on, to label figures measured here.
import os from 'node:os';
import type { MachineInfo } from './run-data';

// Host name, CPU model and thread count of this machine.
export function describeThisMachine(): MachineInfo {
  const cpus = os.cpus();
  return { hostname: os.hostname(), cpu_model: cpus[0]?.model?.trim() || 'unknown CPU', cpu_threads: cpus.length, device: 'cpu' };
}

// A machine as one label: "host (CPU model, 8 threads, GPU name)".
export function formatMachine(m: MachineInfo | null | undefined): string {
  if (!m) return 'an unrecorded machine';
  return `${m.hostname} (${m.cpu_model}, ${m.cpu_threads} threads${m.gpu_name ? `, ${m.gpu_name}` : ''})`;
}
