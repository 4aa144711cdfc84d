package dev.orquestra.spi;

/**
 * An owner agent written as blocking code (an HTTP client call, a subprocess). The library runs it on
 * its bounded blocking executor, never on an actor thread. A thrown exception is a failed call.
 */
@FunctionalInterface
public interface BlockingAgent {

    WorkResult perform(WorkOrder order) throws Exception;
}
