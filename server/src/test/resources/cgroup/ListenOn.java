import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for a model server's process (or a port forwarder's), run with the JDK's source launcher:
 * {@code ListenOn PORT [ADDRESS [PROGRAM [ARGUMENT...]]]} listens at the port given on ADDRESS (127.0.0.1 unless
 * given), names its program PROGRAM if given (as {@code /proc/self/comm} says: "docker-proxy"), says "listening" on
 * stdout, and closes every connection it takes; the further arguments only stand in its command line.
 */
public class ListenOn {
    public static void main(String[] args) throws Exception {
        String address = args.length > 1 ? args[1] : "127.0.0.1";
        if (args.length > 2) {
            Files.writeString(Path.of("/proc/self/comm"), args[2]);
        }
        try (ServerSocket s = new ServerSocket(Integer.parseInt(args[0]), 50, InetAddress.getByName(address))) {
            System.out.println("listening");
            System.out.flush();
            while (true) {
                try (Socket c = s.accept()) {
                    // nothing to say: the server under test looks only at who holds the port
                }
            }
        }
    }
}
