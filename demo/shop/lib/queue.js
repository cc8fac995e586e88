// An in-process message queue with `traceparent` in each message's headers, as Kafka or RabbitMQ clients carry it.
'use strict';

const { api } = require('./tracing');

class Queue {
  /** @param {import('@opentelemetry/api').Tracer} tracer @param {string} name */
  constructor(tracer, name) {
    this.tracer = tracer;
    this.name = name;
    /** @type {{ headers: Record<string, string>, body: unknown }[]} */
    this.messages = [];
  }

  /** Publishes inside a PRODUCER span whose context travels in the message headers. */
  publish(body) {
    return this.tracer.startActiveSpan(`${this.name} publish`, {
      kind: api.SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'demo-queue', 'messaging.destination.name': this.name, 'messaging.operation.type': 'send' },
    }, span => {
      const headers = {};
      api.propagation.inject(api.context.active(), headers);
      this.messages.push({ headers, body });
      span.end();
    });
  }

  /**
   * Delivers each message to `handler(message)`, outside of any request's context (as a consumer loop runs).
   * Returns a function that stops consuming.
   */
  consume(handler, pollMs = 50) {
    const timer = setInterval(() => {
      const message = this.messages.shift();
      if (message) api.context.with(api.ROOT_CONTEXT, () => handler(message));
    }, pollMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

module.exports = { Queue };
