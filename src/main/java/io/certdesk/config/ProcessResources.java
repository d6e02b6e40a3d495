package io.certdesk.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;

import org.camunda.bpm.spring.boot.starter.configuration.impl.DefaultDeploymentConfiguration;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * What certdesk deploys to the engine: the processes in {@code bpmn/} and their task forms in
 * {@code bpmn/forms/}, each named by its path on the class path ({@code bpmn/forms/onboarding-approval.html}).
 * The names are the same whether certdesk runs from the jar or from {@code target/classes}, so a form key
 * {@code embedded:deployment:bpmn/forms/...} always resolves and a restart deploys nothing new unless a file
 * changed (duplicate filtering compares by name and content).
 */
@Component
public class ProcessResources extends DefaultDeploymentConfiguration {

    static final String[] PATTERNS = {"classpath*:bpmn/*.bpmn", "classpath*:bpmn/forms/*.html"};

    @Override
    public Set<Resource> getDeploymentResources() {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        DefaultResourceLoader byPath = new DefaultResourceLoader();
        Set<Resource> resources = new LinkedHashSet<>();
        try {
            for (String pattern : PATTERNS) {
                for (Resource found : resolver.getResources(pattern)) {
                    String url = found.getURL().toString();
                    // a path without "classpath:" gives a context resource, which the engine names by that path
                    resources.add(byPath.getResource(url.substring(url.lastIndexOf("bpmn/"))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list certdesk's process resources", e);
        }
        if (resources.isEmpty()) {
            throw new IllegalStateException("no process definitions found under bpmn/ on the class path");
        }
        return resources;
    }
}
