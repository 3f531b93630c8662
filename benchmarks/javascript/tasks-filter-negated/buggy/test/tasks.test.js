'use strict';
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { TaskList } = require('../lib/tasks.js');

function sample() {
  const list = new TaskList();
  const a = list.add('write report', { priority: 2, due: '2024-03-01' });
  const b = list.add('book flights', { priority: 1, due: '2024-02-01' });
  list.add('water plants', { priority: 3 });
  return { list, a, b };
}

describe('TaskList', () => {
  it('adds tasks as not done', () => {
    const { list } = sample();
    assert.equal(list.tasks.length, 3);
    assert.ok(list.tasks.every((t) => !t.done));
  });

  it('lists the open tasks', () => {
    const { list, b } = sample();
    list.complete(b.id);
    assert.deepEqual(list.open().map((t) => t.title), ['write report', 'water plants']);
  });

  it('finds overdue open tasks', () => {
    const { list } = sample();
    assert.deepEqual(list.overdue('2024-02-15').map((t) => t.title), ['book flights']);
  });

  it('picks the most urgent open task next', () => {
    const { list, b } = sample();
    list.complete(b.id);
    assert.equal(list.next().title, 'write report');
  });

  it('has nothing next when all is done', () => {
    const { list } = sample();
    list.tasks.forEach((t) => list.complete(t.id));
    assert.equal(list.next(), null);
  });

  it('refuses to complete an unknown task', () => {
    assert.throws(() => new TaskList().complete(999), /no task 999/);
  });
});
