package dev.chartbridge.core.delivery;

/** What the engine was doing with an operation when it recorded an attempt. */
enum Step {
    SEND, RECONCILE, VERIFY, RECOVER
}
