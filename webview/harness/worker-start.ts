// Harness worker, first script: starts fetching the document the moment the worker exists, then loads the parser
// (worker.js, about 120 KB). In VS Code the extension host starts reading a trace before its panel has even loaded;
// here, without this, the request would wait for the parser's script to be downloaded, compiled and run (60-80 ms
// on a cold browser), all time on the path to the first rows. The document's URL comes in this script's own URL
// (`?url=`); worker.js takes the response with fetchDocument().
const early = new URL(self.location.href).searchParams.get('url');
if (early) (self as unknown as { spanscopeEarly?: EarlyFetch }).spanscopeEarly = { url: early, response: fetch(early) };
// (The page's DOM typings have no importScripts: this runs in a classic worker, which does.)
(self as unknown as { importScripts(url: string): void }).importScripts('/harness/worker.js');

export interface EarlyFetch { readonly url: string; readonly response: Promise<Response> }
