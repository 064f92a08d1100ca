package dev.chartbridge.core.delivery;

/** What the engine was doing with an operation when it recorded an attempt. */
enum Step {
    SEND, RECONCILE, VERIFY, RECOVER,
    /** Shadow mode: the write was rendered, not sent. */
    RENDER
}
