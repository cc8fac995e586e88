// The webview's drop rules (pure parts): which URIs of a dropped URI list go to the host, which files are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { droppedFileRefusal, MAX_DROPPED_ITEMS, splitUriList } from '../../webview/drop';
import { MAX_DROPPED_BYTES } from '../../src/protocol/messages';

test('splitUriList keeps file and vscode-remote URIs, skips comments and blank lines, refuses the rest', () => {
  const list = '# from the explorer\r\nfile:///home/me/a.json\r\n\r\nvscode-remote://wsl%2Bubuntu/t.json\r\nhttps://x.example/t.json\r\njavascript:alert(1)\r\ncommand:workbench.action.quit\n';
  assert.deepEqual(splitUriList(list), {
    accepted: ['file:///home/me/a.json', 'vscode-remote://wsl%2Bubuntu/t.json'],
    refused: ['https://x.example/t.json', 'javascript:alert(1)', 'command:workbench.action.quit'],
  });
  assert.deepEqual(splitUriList(''), { accepted: [], refused: [] });
  const many = Array.from({ length: MAX_DROPPED_ITEMS + 3 }, (_, k) => `file:///t${k}.json`).join('\r\n');
  assert.equal(splitUriList(many).accepted.length, MAX_DROPPED_ITEMS);
  assert.equal(splitUriList(`file:///${'a'.repeat(9000)}`).accepted.length, 0, 'an oversized URI is refused');
});

test('droppedFileRefusal: up to MAX_DROPPED_BYTES is read, above it is refused with a message', () => {
  assert.equal(droppedFileRefusal('t.json', MAX_DROPPED_BYTES), undefined);
  assert.match(droppedFileRefusal('huge.json', MAX_DROPPED_BYTES + 1)!, /huge\.json is too large .*at most 512 MB/);
});
