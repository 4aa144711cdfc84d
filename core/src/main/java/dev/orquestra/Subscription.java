package dev.orquestra;

/** A listener's registration; closing it stops the deliveries. Closing twice does nothing. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
