'use strict';

let nextId = 1;

/** A to-do list with priorities and due dates (ISO date strings). */
class TaskList {
  constructor() {
    this.tasks = [];
  }

  add(title, { priority = 2, due = null } = {}) {
    const task = { id: nextId++, title, priority, due, done: false };
    this.tasks.push(task);
    return task;
  }

  complete(id) {
    const task = this.tasks.find((t) => t.id === id);
    if (!task) {
      throw new Error(`no task ${id}`);
    }
    task.done = true;
    return task;
  }

  open() {
    return this.tasks.filter((t) => t.done);
  }

  overdue(today) {
    return this.open().filter((t) => t.due !== null && t.due < today);
  }

  next() {
    const sorted = [...this.open()].sort((a, b) => a.priority - b.priority);
    return sorted[0] ?? null;
  }
}

module.exports = { TaskList };
