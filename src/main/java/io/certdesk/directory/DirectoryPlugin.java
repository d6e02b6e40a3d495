package io.certdesk.directory;

import io.certdesk.config.CertdeskProperties;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.identity.ReadOnlyIdentityProvider;
import org.camunda.bpm.engine.impl.interceptor.Session;
import org.camunda.bpm.engine.impl.interceptor.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

/**
 * With {@code certdesk.directory.url} set, the process engine takes its users and groups from the company directory
 * ({@link DirectoryIdentityProvider}) instead of its own tables. Without it, Camunda's built-in users stay.
 */
@Component
@ConditionalOnExpression("!'${certdesk.directory.url:}'.isBlank()")
public class DirectoryPlugin extends AbstractProcessEnginePlugin {

    private static final Logger log = LoggerFactory.getLogger(DirectoryPlugin.class);

    private final CertdeskProperties.Directory settings;

    public DirectoryPlugin(CertdeskProperties properties) {
        this.settings = properties.directory();
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (settings.groupsOrNone().isEmpty()) {
            throw new IllegalStateException("certdesk.directory.url is set but certdesk.directory.groups maps no directory "
                    + "group to certdesk's groups (e.g. pki-approvers: approvers, pki-admins: camunda-admin)");
        }
        LdapDirectory directory = new LdapDirectory(settings);
        DirectoryIdentityProvider provider = new DirectoryIdentityProvider(directory);
        configuration.setIdentityProviderSessionFactory(new SessionFactory() {
            @Override
            public Class<?> getSessionType() {
                return ReadOnlyIdentityProvider.class;
            }

            @Override
            public Session openSession() {
                return provider;
            }
        });
        log.info("Users and groups from the directory at {} (groups {})", settings.url(), settings.groupsOrNone());
    }
}
