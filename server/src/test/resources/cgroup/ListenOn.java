import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A stand-in for a model server's process, run with the JDK's source launcher in a cgroup of the test's making:
 * listens on 127.0.0.1 at the port given, says "listening" on stdout, and closes every connection it takes.
 */
public class ListenOn {
    public static void main(String[] args) throws Exception {
        try (ServerSocket s = new ServerSocket(Integer.parseInt(args[0]), 50, InetAddress.getByName("127.0.0.1"))) {
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
