package dev.warmup.server.resources;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Opens a connection to one of the machine's loopback ports, sending nothing: {@link NattedPort} looks for where it
 * ended. Tests and benchmarks over hand-made files give one of their own.
 */
public interface LoopbackConnector {
    /** An open connection, closed once it has been looked for; {@code localPort} says which connection is ours. */
    record Connection(int localPort, Closeable socket) {}

    Connection open(int port) throws IOException;

    /** Makes no connection: for files that do not describe this machine's processes. */
    LoopbackConnector REFUSED = port -> {
        throw new ConnectException("no connection is made over hand-made files");
    };

    /** A real connection to 127.0.0.1 (or, refused there, ::1), made within half a second. */
    LoopbackConnector REAL = port -> {
        IOException refused = null;
        for (String loopback : new String[] {"127.0.0.1", "::1"}) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getByName(loopback), port), 500);
                return new Connection(s.getLocalPort(), s);
            } catch (IOException e) {
                s.close();
                refused = e;
            }
        }
        throw refused;
    };
}
