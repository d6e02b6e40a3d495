package io.certdesk.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.FileSystemResource;

/**
 * The embedded default's H2 file database survives a thread that is interrupted while it reads: without care, H2's
 * file channel is closed by the interrupt and the database closes for every thread (every later statement fails
 * with "The database has been closed" until certdesk is restarted). Thread pools interrupt their threads when they
 * stop, so one stopping component could take down intake, approvals and signing with it.
 */
class EmbeddedDatabaseTest {

    @TempDir
    Path data;

    private String configuredUrl() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new FileSystemResource("config/application.yml"));
        Properties properties = yaml.getObject();
        return properties.getProperty("spring.datasource.url").replace("${certdesk.data-dir}", data.toString());
    }

    @Test
    void aThreadInterruptedWhileItReadsLeavesTheDatabaseOpenForEveryoneElse() throws Exception {
        // a small page cache, so that the reads below go to the file as they would in a database larger than memory
        String url = configuredUrl() + ";CACHE_SIZE=1024";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("create table mail(id int primary key, body varchar(200))");
            statement.execute("insert into mail select x, repeat('m', 200) from system_range(1, 60000)");
        }
        try (Connection reader = DriverManager.getConnection(url, "sa", "");
             Connection other = DriverManager.getConnection(url, "sa", "");
             Statement interrupted = reader.createStatement();
             Statement statement = other.createStatement()) {
            for (int i = 0; i < 5; i++) {
                Thread.currentThread().interrupt();
                try {
                    interrupted.executeQuery("select sum(length(body)) from mail where mod(id, 20) = " + i).close();
                } finally {
                    Thread.interrupted();
                }
            }
            try (ResultSet count = statement.executeQuery("select count(*) from mail")) {
                assertThat(count.next()).isTrue();
                assertThat(count.getInt(1)).as("another connection still reads the database").isEqualTo(60_000);
            }
        }
    }
}
