// Entry point of the `tooltune` CLI (bin/tooltune.mjs runs it through tsx). The commands live in cli/.
import { exitQuietlyOnClosedPipe } from './cli/io';
import { main } from './cli/main';

exitQuietlyOnClosedPipe();

process.exitCode = await main(process.argv.slice(2));
