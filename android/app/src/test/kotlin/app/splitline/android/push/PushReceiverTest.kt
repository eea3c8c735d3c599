package app.splitline.android.push

import android.content.ComponentName
import android.content.Intent
import android.content.IntentFilter
import android.content.pm.ActivityInfo
import android.widget.RadioButton
import android.widget.RadioGroup
import android.widget.TextView
import app.splitline.android.SplitlineApp
import app.splitline.android.device.SyncTrigger
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.device.SyncReason
import app.splitline.shell.push.Push
import app.splitline.shell.push.PushEndpoint
import app.splitline.shell.push.PushGateway
import app.splitline.shell.push.PushGatewaySettings
import app.splitline.shell.push.PushState
import app.splitline.shell.push.UnifiedPush
import app.splitline.shell.push.WebPushKeys
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import java.util.Collections
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/**
 * The UnifiedPush receiver and the distributor picker, on the app's real
 * manifest, over a stored account of the real core. The gateway's push side
 * is recorded here (its routes come with #19's gateway part), and so is the
 * fetch a push runs (the core's sync_once, proven against the real gateway in
 * tests/ and the shell).
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class PushReceiverTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp
    private val victor = TestNetwork.account("victor")
    private val heard: MutableList<String> = Collections.synchronizedList(mutableListOf())
    private val keys = WebPushKeys("BKEY", "AUTH")

    @Before
    fun adoptStoredAccountWithRecordedGateway() {
        app.adopt(
            Account.open(
                Files.createTempDirectory("push").toFile(),
                AccountSettings(listOf(TestNetwork.gateway), victor.address, "robolectric-push", "app-test"),
            ).getOrThrow(),
        )
        AppPush.gateway = {
            object : PushGateway {
                override suspend fun settings() = Result.success(PushGatewaySettings("VAPID-KEY", null))

                override suspend fun register(endpoint: PushEndpoint): Result<Unit> {
                    heard += "gateway register ${endpoint.url} ${endpoint.keys.p256dh}"
                    return Result.success(Unit)
                }

                override suspend fun unregister(): Result<Unit> {
                    heard += "gateway unregister"
                    return Result.success(Unit)
                }
            }
        }
        AppPush.fetch = { _, _ -> heard += "fetch" }
        SyncTrigger.signedIn(app, true)
        SyncTrigger.foreground(app, false)
    }

    @After
    fun reset() {
        SyncReason.entries.forEach { SyncTrigger.clear(app, it) }
        SyncTrigger.signedIn(app, false)
        PushPrefs(app).save(PushState())
        AppPush.gateway = { Push(it) }
        AppPush.fetch = AppPush::syncOnce
        app.adopt(null)
    }

    private fun registeredWith(distributor: String) =
        PushPrefs(app).save(PushState(distributor, "t1", "https://push.example/up/1", keys, "https://push.example/up/1"))

    private fun fromDistributor(action: String, vararg extras: Pair<String, String>) {
        val intent = Intent(action).setPackage(app.packageName)
        extras.forEach { (key, value) -> intent.putExtra(key, value) }
        app.sendBroadcast(intent)
    }

    private fun sent(action: String): List<Intent> = shadowOf(app).broadcastIntents.filter { it.action == action }

    private fun installDistributor(pkg: String) {
        val receiver = ActivityInfo().apply {
            packageName = pkg
            name = "$pkg.Registration"
        }
        val shadow = shadowOf(app.packageManager)
        shadow.addOrUpdateReceiver(receiver)
        shadow.addIntentFilterForReceiver(ComponentName(pkg, receiver.name), IntentFilter(UnifiedPush.REGISTER))
    }

    @Test
    fun aMessageForTheAppsTokenWakesTheSyncFetchesAndIsAcknowledged() {
        registeredWith("org.example.distributor")
        fromDistributor(UnifiedPush.MESSAGE, UnifiedPush.EXTRA_TOKEN to "t1", UnifiedPush.EXTRA_MESSAGE_ID to "m1")
        idleUntil("the push's fetch") { "fetch" in heard }
        assertTrue(SyncReason.PUSH_WAKE in SyncTrigger.needs().reasons)
        val ack = sent(UnifiedPush.MESSAGE_ACK).single()
        assertEquals("org.example.distributor", ack.`package`)
        assertEquals("m1", ack.getStringExtra(UnifiedPush.EXTRA_MESSAGE_ID))

        // A message with a token the app did not make fetches nothing: of the two below, one fetches.
        heard.clear()
        fromDistributor(UnifiedPush.MESSAGE, UnifiedPush.EXTRA_TOKEN to "guessed")
        fromDistributor(UnifiedPush.MESSAGE, UnifiedPush.EXTRA_TOKEN to "t1")
        idleUntil("the second push's fetch") { "fetch" in heard }
        // Give the forged one, handled on another thread, the time a fetch would take here.
        runCatching { idleUntil("nothing more", timeoutMs = 500) { heard.size > 1 } }
        assertEquals(listOf("fetch"), heard)
    }

    @Test
    fun aNewEndpointIsRegisteredWithTheGatewayAndFollowedByAFetch() {
        registeredWith("org.example.distributor")
        fromDistributor(
            UnifiedPush.NEW_ENDPOINT,
            UnifiedPush.EXTRA_TOKEN to "t1",
            UnifiedPush.EXTRA_ENDPOINT to "https://push.example/up/2",
        )
        idleUntil("the gateway told") { heard.size == 2 }
        assertEquals(listOf("gateway register https://push.example/up/2 BKEY", "fetch"), heard)
        assertTrue(PushPrefs(app).load().registered)
        assertEquals("https://push.example/up/2", PushPrefs(app).load().atGateway)
    }

    @Test
    fun unregisteredByTheDistributorUnregistersAtTheGateway() {
        registeredWith("org.example.distributor")
        fromDistributor(UnifiedPush.UNREGISTERED, UnifiedPush.EXTRA_TOKEN to "t1")
        idleUntil("the gateway told") { "gateway unregister" in heard }
        assertEquals(PushState(), PushPrefs(app).load())
    }

    @Test
    fun pickingADistributorSendsItRegisterWithTheTokenAndTheGatewaysVapidKey() {
        installDistributor("org.example.distributor")
        val screen = Robolectric.buildActivity(PushSettingsActivity::class.java).setup().get()
        val choices = screen.requireViewById<RadioGroup>(PushIds.CHOICES)
        assertEquals(
            listOf("Off", "org.example.distributor"),
            (0 until choices.childCount).map {
                (choices.getChildAt(it) as RadioButton).text.toString()
            },
        )
        screen.requireViewById<RadioButton>(PushIds.CHOICE_BASE + 1).performClick()
        idleUntil("REGISTER sent") { sent(UnifiedPush.REGISTER).isNotEmpty() }
        val register = sent(UnifiedPush.REGISTER).single()
        assertEquals("org.example.distributor", register.`package`)
        assertEquals(PushPrefs(app).load().token, register.getStringExtra(UnifiedPush.EXTRA_TOKEN))
        assertEquals("VAPID-KEY", register.getStringExtra(UnifiedPush.EXTRA_VAPID))
        assertEquals(app.packageName, register.getStringExtra(UnifiedPush.EXTRA_APPLICATION))
        assertTrue(register.hasExtra(UnifiedPush.EXTRA_PI))
        val state = screen.requireViewById<TextView>(PushIds.STATE)
        idleUntil("the screen says it waits") { state.text.toString() == "Waiting for org.example.distributor to register the app." }
    }

    @Test
    fun withNoDistributorInstalledTheScreenSaysSoAndOffersOnlyOff() {
        val screen = Robolectric.buildActivity(PushSettingsActivity::class.java).setup().get()
        val state = screen.requireViewById<TextView>(PushIds.STATE).text.toString()
        assertTrue(state, state.startsWith("No UnifiedPush distributor is installed"))
        assertEquals(1, screen.requireViewById<RadioGroup>(PushIds.CHOICES).childCount)
        assertEquals(emptyList<Intent>(), sent(UnifiedPush.REGISTER))
    }
}
