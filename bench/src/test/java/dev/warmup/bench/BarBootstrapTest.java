package dev.warmup.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.bench.BarBootstrap.Row;
import dev.warmup.server.replay.report.BarReading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bootstrap's reading of the bar, checked by hand on two users of one active hour each. */
class BarBootstrapTest {
    @TempDir Path dir;

    private static List<Row> rows(double curveHighMemory) {
        return List.of(
                new Row("u1", "keepalive-10", 1, 4, 3), new Row("u2", "keepalive-10", 1, 6, 3),
                new Row("u1", "keepalive-60", 1, 1, 7), new Row("u2", "keepalive-60", 1, 3, 7),
                new Row("u1", "predictive@0.9", 1, 2, curveHighMemory),
                new Row("u2", "predictive@0.9", 1, 2, curveHighMemory),
                new Row("u1", "predictive@0.99", 1, 4, 2), new Row("u2", "predictive@0.99", 1, 4, 2));
    }

    @Test
    void theCurveIsReadAtTheReferenceMemoryAndUsersAreWeighted() {
        BarBootstrap b = new BarBootstrap(rows(4));
        BarReading whole = b.read(new int[] {1, 1});
        assertEquals(3, whole.memory(), 1e-12);
        assertEquals(5, whole.reference(), 1e-12); // (4 + 6) / 2 hours
        assertEquals(2, whole.bar(), 1e-12);
        assertEquals(3, whole.ours(), 1e-12); // halfway between 4 cold starts at 2 GB·h and 2 at 4
        assertFalse(whole.met());
        BarReading onlyU1 = b.read(new int[] {2, 0});
        assertEquals(4, onlyU1.reference(), 1e-12);
        assertEquals(1, onlyU1.bar(), 1e-12);
        BarReading onlyU2 = b.read(new int[] {0, 2});
        assertEquals(3, onlyU2.bar(), 1e-12);
        assertTrue(onlyU2.met()); // 3 cold starts against keepalive-60's 3
    }

    @Test
    void eachCurvePointIsComparedUserByUser() {
        BarBootstrap b = new BarBootstrap(rows(4));
        assertArrayEquals(new int[] {0, 2, 0}, b.byUser("predictive@0.9")); // 2 < 4 and 6, at 4 GB·h against 3
        assertArrayEquals(new int[] {1, 0, 1}, b.byUser("predictive@0.99")); // 4: not fewer than u1's 4, fewer than 6
        // at each user's own 3 GB·h the curve gives 3 cold starts: fewer than u2's 6 and than u1's 4
        assertArrayEquals(new double[] {2, 0, 0, 2, 0, 0}, b.atEqualMemoryByUser());
        assertArrayEquals(new double[] {0, 0, 2, 0, 0, 2}, new BarBootstrap(rows(2.5)).atEqualMemoryByUser());
    }

    @Test
    void aReferenceMemoryOutsideTheCurveIsNotExtrapolated() {
        assertTrue(Double.isNaN(new BarBootstrap(rows(2.5)).read(new int[] {1, 1}).ours()));
    }

    @Test
    void resamplesAreSeededAndDrawUsersWithReplacement() {
        BarBootstrap b = new BarBootstrap(rows(4));
        List<BarReading> first = b.resample(200, 7);
        assertEquals(first, b.resample(200, 7));
        // the two users differ only in keepalive-10's and keepalive-60's cold starts: each resample is 0, 1 or 2 of u1
        assertEquals(List.of(4.0, 5.0, 6.0), first.stream().map(BarReading::reference).distinct().sorted().toList());
        assertEquals(3, BarBootstrap.percentile(new double[] {1, 2, 3, 4, 5}, 0.5), 1e-12);
        assertEquals(1.1, BarBootstrap.percentile(new double[] {1, 2, 3, 4, 5}, 0.025), 1e-12);
    }

    @Test
    void theReplaysCsvIsReadWithQuotedUsers() throws Exception {
        Path csv = dir.resolve("u.csv");
        Files.writeString(csv, "user,policy,active_user_hours,sessions,requests,cold_starts,wait_s,warm_gb_h,loads,"
                + "wasted_loads,budget_violations\n\"a,\"\"b\"\"\",keepalive-10,0.5,1,3,2,6.0,0.25,2,0,0\n");
        assertEquals(List.of(new Row("a,\"b\"", "keepalive-10", 0.5, 2, 0.25)), BarBootstrap.read(csv));
        assertThrows(IllegalArgumentException.class, () -> new BarBootstrap(BarBootstrap.read(csv)),
                "no keepalive-60 rows");
    }
}
