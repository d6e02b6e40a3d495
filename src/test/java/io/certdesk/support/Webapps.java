package io.certdesk.support;

/**
 * Camunda's webapps (Cockpit, Tasklist, Admin, Welcome) keep their runtime in static fields, which a certdesk
 * stopped by another test in this JVM clears: the shared test context's Tasklist would then answer HTTP 500. Setting
 * them again before each test keeps the webapps working whatever ran before.
 */
final class Webapps {

    private Webapps() {
    }

    static void restore() {
        if (org.camunda.bpm.cockpit.Cockpit.getRuntimeDelegate() == null) {
            org.camunda.bpm.cockpit.Cockpit.setCockpitRuntimeDelegate(new org.camunda.bpm.cockpit.impl.DefaultCockpitRuntimeDelegate());
        }
        if (org.camunda.bpm.tasklist.Tasklist.getRuntimeDelegate() == null) {
            org.camunda.bpm.tasklist.Tasklist.setTasklistRuntimeDelegate(new org.camunda.bpm.tasklist.impl.DefaultTasklistRuntimeDelegate());
        }
        if (org.camunda.bpm.admin.Admin.getRuntimeDelegate() == null) {
            org.camunda.bpm.admin.Admin.setAdminRuntimeDelegate(new org.camunda.bpm.admin.impl.DefaultAdminRuntimeDelegate());
        }
        if (org.camunda.bpm.welcome.Welcome.getRuntimeDelegate() == null) {
            org.camunda.bpm.welcome.Welcome.setRuntimeDelegate(new org.camunda.bpm.welcome.impl.DefaultWelcomeRuntimeDelegate());
        }
    }
}
