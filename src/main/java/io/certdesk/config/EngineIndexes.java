package io.certdesk.config;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Indexes the process engine's schema lacks on H2 and PostgreSQL for the way certdesk uses it. Completing a
 * task looks up its subtasks by {@code ACT_RU_TASK.PARENT_TASK_ID_}, which only the SQL Server schema indexes:
 * without it every approval reads every open task, so approvals slow down as requests wait. Created after the
 * engine built or updated its schema; where the database user may not create indexes (a schema run by a DBA),
 * a warning names the statement to run instead.
 */
@Component
public class EngineIndexes extends AbstractProcessEnginePlugin {

    private static final Logger log = LoggerFactory.getLogger(EngineIndexes.class);

    static final String TASK_PARENT = "create index if not exists CERTDESK_IDX_TASK_PARENT on ACT_RU_TASK(PARENT_TASK_ID_)";

    @Override
    public void postProcessEngineBuild(ProcessEngine engine) {
        DataSource dataSource = engine.getProcessEngineConfiguration().getDataSource();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(TASK_PARENT);
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            log.warn("Could not add an index to the engine's tables ({}); approvals slow down as open tasks grow. "
                    + "Run as the schema owner: {}", e.getMessage(), TASK_PARENT);
        }
    }
}
