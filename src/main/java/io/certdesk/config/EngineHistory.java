package io.certdesk.config;

import java.util.List;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.history.event.HistoricJobLogEvent;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.handler.CompositeDbHistoryEventHandler;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.springframework.stereotype.Component;

/**
 * What the engine writes to its history at level {@code full}, less what no audit reads: the job log's
 * "created" and "succeeded" entries. Every step a request takes ran as a job, so each request wrote two job log
 * rows per step besides its activity history, which already says when the step started and ended. Kept: a job's
 * failures (with their exception, what support staff look at) and deletions, the user operation log, decisions,
 * tasks, activities, variables and their changes. Wraps the engine's database handler together with any custom
 * history handlers configured before the engine starts.
 */
@Component
public class EngineHistory extends AbstractProcessEnginePlugin {

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getHistoryEventHandler() == null && configuration.isEnableDefaultDbHistoryEventHandler()) {
            List<HistoryEventHandler> custom = configuration.getCustomHistoryEventHandlers();
            configuration.setHistoryEventHandler(new WithoutRoutineJobLog(
                    new CompositeDbHistoryEventHandler(custom == null ? List.of() : custom)));
        }
    }

    /** Whether a history event is written; false only for a job's creation and its success. */
    static boolean kept(HistoryEvent event) {
        return !(event instanceof HistoricJobLogEvent job) || !(job.isCreationLog() || job.isSuccessLog());
    }

    /** The engine's history handlers, without the routine job log entries. */
    static final class WithoutRoutineJobLog implements HistoryEventHandler {

        private final HistoryEventHandler database;

        WithoutRoutineJobLog(HistoryEventHandler database) {
            this.database = database;
        }

        @Override
        public void handleEvent(HistoryEvent event) {
            if (kept(event)) {
                database.handleEvent(event);
            }
        }

        @Override
        public void handleEvents(List<HistoryEvent> events) {
            for (HistoryEvent event : events) {
                handleEvent(event);
            }
        }
    }
}
