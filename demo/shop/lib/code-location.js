// Records where in the shop's own code each span was started, as OpenTelemetry `code.*` attributes, so that
// Spanscope can put latency in the gutter of these files and jump to the line. Two services use the current names
// (code.file.path / code.line.number / code.function.name); one uses the names older SDKs emit
// (code.filepath / code.lineno / code.function), as real fleets mix both.
'use strict';

const path = require('node:path');

const SHOP_DIR = path.resolve(__dirname, '..');
const THIS_DIR = __dirname;

/** The first stack frame in the shop's own files (not this lib folder, not node_modules). */
function callerFrame() {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  Error.prepareStackTrace = (_err, frames) => frames;
  const holder = {};
  Error.captureStackTrace(holder, callerFrame);
  /** @type {NodeJS.CallSite[]} */
  const frames = /** @type {any} */ (holder).stack;
  Error.prepareStackTrace = savedPrepare;
  Error.stackTraceLimit = savedLimit;
  for (const frame of frames) {
    const file = frame.getFileName();
    if (!file || !file.startsWith(SHOP_DIR + path.sep)) continue;
    if (file.startsWith(THIS_DIR + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return { file, line: frame.getLineNumber(), column: frame.getColumnNumber(), fn: frame.getFunctionName() };
  }
  return undefined;
}

class CodeLocationSpanProcessor {
  /** @param {'new' | 'old'} names */
  constructor(names) {
    this.names = names;
  }

  onStart(span) {
    const at = callerFrame();
    if (!at) return; // e.g. server spans opened by the HTTP instrumentation before any handler code runs
    if (this.names === 'new') {
      span.setAttribute('code.file.path', at.file);
      if (at.line) span.setAttribute('code.line.number', at.line);
      if (at.column) span.setAttribute('code.column.number', at.column);
      if (at.fn) span.setAttribute('code.function.name', at.fn);
    } else {
      span.setAttribute('code.filepath', at.file);
      if (at.line) span.setAttribute('code.lineno', at.line);
      if (at.fn) span.setAttribute('code.function', at.fn);
    }
  }

  onEnd() {}
  forceFlush() { return Promise.resolve(); }
  shutdown() { return Promise.resolve(); }
}

module.exports = { CodeLocationSpanProcessor, callerFrame };
