package app.splitline.android.build

import android.content.ComponentName
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import app.splitline.android.LauncherActivity
import app.splitline.android.SplitlineApp
import java.io.File
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment

/**
 * Robolectric runs on the app's real manifest and aapt2-linked resources
 * (android/tools/robolectric-config.sh), so the platform resolves what the
 * manifest declares as a phone would: the Application, the launcher, and each
 * component android/app/expected-badging.txt lists with its intent filters.
 */
@RunWith(RobolectricTestRunner::class)
class ManifestResolutionTest {
    private val app = RuntimeEnvironment.getApplication()
    private val packageManager = app.packageManager

    @Test
    fun theApplicationIsTheOneTheManifestNames() {
        assertEquals("app.splitline", app.packageName)
        assertEquals(SplitlineApp::class.java.name, packageManager.getApplicationInfo(app.packageName, 0).className)
        assertTrue("the running Application is ${app.javaClass.name}", app is SplitlineApp)
    }

    @Test
    fun theLauncherIntentResolvesToLauncherActivity() {
        val launch = packageManager.getLaunchIntentForPackage(app.packageName)
        assertEquals(ComponentName(app, LauncherActivity::class.java), launch?.component)
        val main = Intent(Intent.ACTION_MAIN).addCategory(Intent.CATEGORY_LAUNCHER).setPackage(app.packageName)
        val found = packageManager.queryIntentActivities(main, 0).map { it.activityInfo.name }
        assertEquals(listOf(LauncherActivity::class.java.name), found)
    }

    @Test
    fun theLinkedResourcesAreTheApps() {
        val id = app.resources.getIdentifier("app_name", "string", app.packageName)
        assertTrue("no string app_name in the linked resources", id != 0)
        assertEquals("Splitline", app.getString(id))
        assertEquals("Splitline", packageManager.getApplicationLabel(app.applicationInfo).toString())
    }

    @Test
    fun theServicesAreExactlyTheListedOnesAndEachResolvesByItsActions() {
        val listed = expected("service")
        val declared = packageManager.getPackageInfo(app.packageName, PackageManager.GET_SERVICES).services.orEmpty()
        assertEquals(listed.keys, declared.map { it.name }.toSet())
        for (service in declared) {
            val line = listed.getValue(service.name)
            words(line, "permission").singleOrNull()?.let { assertEquals("${service.name}'s permission", it, service.permission) }
            for (action in words(line, "action")) {
                val found = packageManager.queryIntentServices(Intent(action).setPackage(app.packageName), 0)
                assertTrue("$action does not resolve to ${service.name}", found.any { it.serviceInfo.name == service.name })
            }
        }
    }

    @Test
    fun eachListedExportedActivityResolvesByItsActions() {
        val listed = expected("activity")
        assertTrue("expected-badging.txt lists no activity", listed.isNotEmpty())
        for ((name, line) in listed) {
            assertTrue("$name is not exported", packageManager.getActivityInfo(ComponentName(app.packageName, name), 0).exported)
            // A line merges the activity's intent filters: an action resolves with or without one of its schemes.
            val data = listOf<Uri?>(null) + words(line, "scheme").map { Uri.parse("$it:0") }
            for (action in words(line, "action")) {
                val resolves = data.any { uri ->
                    val intent = Intent(action, uri).setPackage(app.packageName)
                    packageManager.queryIntentActivities(intent, 0).any { it.activityInfo.name == name }
                }
                assertTrue("$action does not resolve to $name", resolves)
            }
        }
    }

    /** The lines of android/app/expected-badging.txt of one kind, by component name. */
    private fun expected(kind: String): Map<String, String> = File("expected-badging.txt").readLines()
        .map { it.substringBefore('#').trim() }
        .filter { it.startsWith("$kind ") }
        .associateBy { it.split(' ')[1] }

    /** The values of `key=value` words of a line. */
    private fun words(line: String, key: String): List<String> =
        line.split(' ').filter { it.startsWith("$key=") }.map { it.removePrefix("$key=") }
}
