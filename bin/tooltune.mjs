#!/usr/bin/env node
// The `tooltune` command: runs client.ts through tsx, so no build step stands between a clone and a run.
import { register } from 'tsx/esm/api';

register();
await import('../client.ts');
