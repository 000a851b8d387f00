package dev.memogen.internal.store;

/** The store's background threads ({@code memogen-index-lock}, {@code memogen-flights}). */
final class Daemons {
    private Daemons() {}

    /** Starts {@code task} on a daemon thread named {@code name} that holds on to no application's class loader. */
    static Thread start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.start();
        return thread;
    }
}
