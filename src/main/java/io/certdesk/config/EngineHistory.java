package io.certdesk.config;

import java.util.ArrayList;
import java.util.List;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.history.event.HistoricJobLogEvent;
import org.camunda.bpm.engine.impl.history.event.HistoricVariableUpdateEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.handler.CompositeHistoryEventHandler;
import org.camunda.bpm.engine.impl.history.handler.DbHistoryEventHandler;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.springframework.stereotype.Component;

/**
 * What the engine writes to its history at level {@code full}, less what no audit reads:
 * <ul>
 * <li>the job log's "created" and "succeeded" entries. Every step a request takes ran as a job, so each request
 * wrote two job log rows per step besides its activity history, which already says when the step started and
 * ended;</li>
 * <li>the deletion of a timer job: the follow-up and due-date timers of every approval task are deleted when the
 * task is decided (someone deleting a job through the API is in the user operation log);</li>
 * <li>the change history ({@code ACT_HI_DETAIL}) of variables that certdesk's own steps write. Each variable's
 * value stays in the variable history; its steps' records (request, certificate, decision) are certdesk's
 * tables.</li>
 * </ul>
 * Kept: a job's failures (with their exception, what support staff look at), the user operation log, tasks,
 * activities, variables, and every variable change made by a person (a decision, with the user operation that
 * made it). Wraps the engine's database handler together with any custom history handlers configured before the
 * engine starts.
 */
@Component
public class EngineHistory extends AbstractProcessEnginePlugin {

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getHistoryEventHandler() == null && configuration.isEnableDefaultDbHistoryEventHandler()) {
            List<HistoryEventHandler> handlers = new ArrayList<>();
            handlers.add(new WithoutRoutineDetails());
            if (configuration.getCustomHistoryEventHandlers() != null) {
                handlers.addAll(configuration.getCustomHistoryEventHandlers());
            }
            configuration.setHistoryEventHandler(new WithoutRoutineJobLog(new CompositeHistoryEventHandler(handlers)));
        }
    }

    /** Whether a history event is written. */
    static boolean kept(HistoryEvent event) {
        if (event instanceof HistoricJobLogEvent job) {
            return !(job.isCreationLog() || job.isSuccessLog() || job.isDeletionLog() && isTimer(job));
        }
        return true;
    }

    private static boolean isTimer(HistoricJobLogEvent job) {
        return job.getJobDefinitionType() != null && job.getJobDefinitionType().startsWith("timer-");
    }

    /**
     * The engine's database handler, writing a variable's change record only for a change a person made: the
     * variable's own history row (its value) is written for every variable.
     */
    static final class WithoutRoutineDetails extends DbHistoryEventHandler {

        @Override
        protected boolean shouldWriteHistoricDetail(HistoricVariableUpdateEventEntity update) {
            // the engine names a user operation only for a call made by a logged-in user
            return super.shouldWriteHistoricDetail(update) && update.getUserOperationId() != null;
        }
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
