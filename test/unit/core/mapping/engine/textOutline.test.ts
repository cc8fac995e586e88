import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textOutline } from '../../../../../src/core/mapping/engine/textOutline';

test('text outline: Kotlin/Groovy/Java declarations with their enclosing types; calls and control flow are not definitions', () => {
  const o = textOutline(`package com.example.shop

class OrderService(private val repo: Repo) {
    fun placeOrder(o: Order): Long {
        if (o.total > 0) {
            repo.save(o)
        }
        return audit.record(o)
    }

    class Audit
    {
        fun record(o: Order) = println("{ not a brace }")
    }
}

fun topLevel() = 1
`);
  assert.equal(o.package, 'com.example.shop');
  const defs = o.definitions.map(d => `${[...d.containers, d.name].join('.')}@${d.line}-${d.endLine}`);
  assert.deepEqual(defs, ['OrderService@3-15', 'OrderService.placeOrder@4-9', 'OrderService.Audit@11-14', 'OrderService.Audit.record@13-14', 'topLevel@17-17']);
});
