#!/usr/bin/env node
// The CLI is TypeScript, run without a build step (tsx), like the rest of the project in development.
import { register } from 'tsx/esm/api';

register();
await import('./radar.ts');
