package dev.warmup.server.scheduler;

import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.WarmupPrediction;
import dev.warmup.protocol.WarmupStatus;

/** What the protocol layer asks of the warming side: status, predictions, ground truth and control. */
public interface WarmupController {
    WarmupStatus status();

    WarmupPrediction predict(PredictParams params);

    /**
     * A client reported that a model was used (after the usage event was recorded); throws WMP-3003 the first time
     * for a model outside the catalogue.
     */
    void modelUsed(ModelUsedParams params);

    /**
     * A client or orchestrator reported a model's state (the client backend's answer); throws WMP-3003 the first
     * time for a model outside the catalogue.
     */
    void modelState(ModelStateParams params);

    /** The client says it can carry out loads now ({@code warmup/loaderReady}). */
    void loaderReady();

    /**
     * The catalogue's id for a model name a client reported ({@code coder:latest} for a catalogue's {@code coder}
     * served by Ollama); the name itself when no catalogue model has it.
     */
    String catalogueId(String reported);

    /** Retrain the predictor now; returns what was trained. */
    JsonObject retrain();

    /** Evaluate the predictor on the recorded history; returns AUC, Brier score, precision and recall. */
    JsonObject evaluate();

    /** Forget the recorded history and what was learnt from it; returns what was deleted. */
    JsonObject forgetHistory();

    /** The configuration or the pause state changed. */
    void reconfigured();
}
