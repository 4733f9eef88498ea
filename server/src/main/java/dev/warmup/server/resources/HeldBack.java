package dev.warmup.server.resources;

import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What holds warming back now, each a WMP message for {@code warmup/status}: system memory nearly exhausted
 * (WMP-4001), warm-ups waiting for a busy CPU (WMP-4004), the memory budget lowered below {@code maxMemoryMb}
 * (WMP-4005); and likewise for the models of a model server in a cgroup whose memory limit leaves less than the
 * machine has, or whose CPU quota is busier. Memory figures are rounded down to 100 MB, so that the status, which
 * the editor hears of when it changes, does not change with every few megabytes the machine's other programs use.
 */
final class HeldBack {
    private HeldBack() {}

    /** The messages for sample {@code s}, under {@code settings}, with {@code ours} held and waiting. */
    static List<String> of(SystemProbe.Snapshot s, WarmupSettings settings, ResourceManager.Ours ours) {
        long heldMb = ours.heldMb();
        List<String> out = new ArrayList<>();
        long reserve = ResourceManager.reserveMb(s);
        long budget = ResourceManager.budgetMb(s, settings, heldMb);
        if (ResourceManager.emergency(s)) {
            out.add(new WarmupException(ErrorCode.WMP_4001, "about " + roundedMb(s.availableMb())
                    + " MB available, below a reserve of " + reserve
                    + " MB: no warm-up starts until more is free").getMessage());
        } else if (budget < settings.maxMemoryMb()) {
            out.add(new WarmupException(ErrorCode.WMP_4005, "our models may hold about " + roundedMb(budget)
                    + " MB now (what they hold, " + heldMb + " MB, and what is available above a reserve of "
                    + reserve + " MB), not maxMemoryMb's " + settings.maxMemoryMb()).getMessage());
        }
        for (LimitBudget b : LimitBudget.of(s, ours.heldOn())) {
            if (b.nearlyOut()) {
                out.add(new WarmupException(ErrorCode.WMP_4001, "about " + roundedMb(b.limit().availableMb())
                        + " MB available in " + b.limit().where() + ", below a reserve of " + b.reserveMb()
                        + " MB: no warm-up of " + b.models() + " starts until more is free").getMessage());
            } else if (b.budgetMb() < settings.maxMemoryMb()) {
                out.add(new WarmupException(ErrorCode.WMP_4005, b.models() + " may hold about "
                        + roundedMb(b.budgetMb()) + " MB now (what they hold, " + b.heldMb() + " MB, and what is"
                        + " available above a reserve of " + b.reserveMb() + " MB in " + b.limit().where()
                        + "), not maxMemoryMb's " + settings.maxMemoryMb()).getMessage());
            }
        }
        if (ours.loadsWaiting() && ResourceManager.cpuBusy(s, settings)) {
            out.add(new WarmupException(ErrorCode.WMP_4004, String.format(Locale.ROOT,
                    "queued warm-ups start once it is %.1f %% busy or less", settings.maxCpuPercent())).getMessage());
        }
        for (SystemProbe.CpuLimit q : s.cpuLimits()) {
            if (ResourceManager.busierThanAllowed(q.load(), settings) && ours.waitingOn().test(q.backends())) {
                out.add(new WarmupException(ErrorCode.WMP_4004, String.format(Locale.ROOT,
                        "queued warm-ups of %s start once %s is %.1f %% busy or less",
                        LimitBudget.modelsOf(q.backends()), q.where(), settings.maxCpuPercent())).getMessage());
            }
        }
        return out;
    }

    private static long roundedMb(long mb) {
        return mb / 100 * 100;
    }
}
