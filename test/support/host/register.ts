// Side-effect import: makes `require('vscode')` return the fake. Import it FIRST in a test, before any src/host module:
//   import { fakeVscode } from '../../support/host/register';
import { installFakeVscode } from './fakeVscode';
import { PROJECT_ROOT } from '../paths';

export const fakeVscode = installFakeVscode(PROJECT_ROOT);
