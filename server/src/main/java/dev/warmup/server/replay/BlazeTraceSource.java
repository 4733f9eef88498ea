package dev.warmup.server.replay;

import dev.warmup.server.trace.TraceFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The ABB Blaze trace: {@code timestamp,developer_id,message} rows ({@code YYYY-MM-DD HH:MM:SS}, UTC), plain or
 * compressed ({@link TraceFiles}), with {@code MessageList.csv} beside it for the proxy mapping of
 * {@link BlazeProxyMapping}.
 */
public final class BlazeTraceSource implements TraceSource {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Override
    public Trace read(Path path) throws IOException {
        Path messageList = path.resolveSibling("MessageList.csv");
        if (!Files.isRegularFile(messageList)) {
            throw new IOException("the Blaze proxy needs MessageList.csv beside the trace: " + messageList);
        }
        BlazeProxyMapping proxy = BlazeProxyMapping.read(messageList);
        TraceBuilder builder = new TraceBuilder(BlazeProxyMapping.TASKS);
        try (BufferedReader r = TraceFiles.open(path)) {
            String header = r.readLine();
            if (header == null || !header.startsWith("timestamp,developer_id,message")) {
                throw new IOException(path + ": expected the header timestamp,developer_id,message");
            }
            long row = 1;
            String lastStamp = null;
            long lastMillis = 0;
            for (String line; (line = r.readLine()) != null; ) {
                row++;
                int a = line.indexOf(',');
                int b = a < 0 ? -1 : line.indexOf(',', a + 1);
                if (b < 0) {
                    throw new IOException(path + ": row " + row + " is not timestamp,developer_id,message");
                }
                String stamp = line.substring(0, a);
                if (!stamp.equals(lastStamp)) {
                    try {
                        lastMillis = LocalDateTime.parse(stamp, TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
                    } catch (DateTimeParseException e) {
                        throw new IOException(path + ": row " + row + ": timestamp '" + stamp
                                + "' is not YYYY-MM-DD HH:MM:SS");
                    }
                    lastStamp = stamp;
                }
                String message = line.substring(b + 1);
                builder.add(line.substring(a + 1, b), lastMillis, message, proxy.taskOf(message));
            }
        }
        return builder.build();
    }
}
