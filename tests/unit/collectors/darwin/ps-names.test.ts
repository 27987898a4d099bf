import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandNames, parsePs } from '../../../../main/collectors/darwin/ps.js';

const line = (pid: number, time: string, rest: string) => `${pid} 1 ${pid} 1024 ${time} ${rest}`;
const OLLAMA = '/opt/homebrew/Ce /opt/homebrew/Cellar/ollama/0.5.7/bin/ollama serve';
const ZSH = '-zsh             -zsh';

test('ps names kept between runs: the same processes as a fresh parse, each text described once while it is printed', () => {
  const names = new CommandNames();
  const runs = [
    [line(7101, '0:41.20', OLLAMA), line(6001, '0:00.31', ZSH)].join('\n'),
    [line(7101, '0:43.02', OLLAMA), line(6001, '0:00.31', ZSH)].join('\n'),
    [line(7101, '0:44.10', OLLAMA)].join('\n'),
  ];
  for (const text of runs) assert.deepEqual(parsePs(text, 'comm-args', names), parsePs(text, 'comm-args'));

  const described: string[] = [];
  const describe = (text: string) => {
    described.push(text);
    return { name: text, command: text };
  };
  const cache = new CommandNames();
  cache.of('a', describe);
  cache.of('b', describe);
  cache.endRun();
  cache.of('a', describe);
  cache.endRun();
  cache.endRun();
  cache.of('a', describe);
  cache.of('b', describe);
  assert.deepEqual(
    described,
    ['a', 'b', 'a', 'b'],
    'kept while printed run after run; forgotten after a run without it',
  );
});
