package dev.memogen.internal.remote;

import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of a client of an {@code http://} endpoint, which never makes a TLS
 * connection: without one, building the client loads the JDK's default context and its trust
 * store, about half of a fresh JVM's time to the first request (docs/remote.md, "The client").
 */
final class NoTls extends SSLContextSpi {
    static final SSLContext CONTEXT = new SSLContext(new NoTls(), null, "none") {};

    private static UnsupportedOperationException none() {
        return new UnsupportedOperationException("no TLS to an http:// endpoint");
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {}

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        throw none();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw none();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        throw none();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        throw none();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        throw none();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        throw none();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return new SSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return new SSLParameters();
    }
}
