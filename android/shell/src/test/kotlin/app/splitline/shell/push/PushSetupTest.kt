package app.splitline.shell.push

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/** The push decisions: the user's pick, the distributor's intents, the gateway's answers. */
class PushSetupTest {
    private var tokens = 0
    private val keys = WebPushKeys("BKEY", "AUTH")
    private val setup = PushSetup(newToken = { "token-${++tokens}" }, newKeys = { keys })
    private val installed = listOf("org.example.ntfy", "org.example.nextpush")

    private fun registered(): PushState {
        val (asked, _) = setup.on(PushState(), PushEvent.Picked("org.example.ntfy", installed))
        val (withEndpoint, _) = setup.on(asked, PushEvent.NewEndpoint("token-1", "https://push.example/up/1"))
        return setup.on(withEndpoint, PushEvent.AtGateway("https://push.example/up/1")).first
    }

    @Test
    fun pickingADistributorAsksItWithANewTokenAndItsEndpointGoesToTheGateway() {
        val (asked, steps) = setup.on(PushState(), PushEvent.Picked("org.example.ntfy", installed))
        assertEquals(listOf(PushStep.AskDistributor("org.example.ntfy", "token-1")), steps)
        assertFalse(asked.registered)

        val (withEndpoint, next) = setup.on(asked, PushEvent.NewEndpoint("token-1", "https://push.example/up/1"))
        assertEquals(
            listOf(PushStep.RegisterAtGateway(PushEndpoint("https://push.example/up/1", keys)), PushStep.Sync),
            next,
        )
        assertTrue(setup.on(withEndpoint, PushEvent.AtGateway("https://push.example/up/1")).first.registered)
    }

    @Test
    fun aChangedEndpointIsRegisteredAgainAndTheSameOneIsNot() {
        val state = registered()
        assertEquals(emptyList<PushStep>(), setup.on(state, PushEvent.NewEndpoint("token-1", "https://push.example/up/1")).second)
        val (moved, steps) = setup.on(state, PushEvent.NewEndpoint("token-1", "https://push.example/up/2"))
        assertEquals(PushStep.RegisterAtGateway(PushEndpoint("https://push.example/up/2", keys)), steps.first())
        assertFalse("not registered until the gateway took it", moved.registered)
    }

    @Test
    fun intentsForATokenTheAppDidNotMakeAreIgnored() {
        val state = registered()
        for (forged in listOf(
            PushEvent.NewEndpoint("guessed", "https://evil.example/x"),
            PushEvent.Unregistered("guessed"),
            PushEvent.Message("guessed", "m1"),
            PushEvent.RegistrationFailed("guessed", null),
        )) {
            assertEquals(state to emptyList<PushStep>(), setup.on(state, forged))
        }
    }

    @Test
    fun aMessageSyncsAndIsAcknowledgedWhenItHasAnId() {
        val state = registered()
        assertEquals(
            listOf(PushStep.Acknowledge("org.example.ntfy", "token-1", "m1"), PushStep.Sync),
            setup.on(state, PushEvent.Message("token-1", "m1")).second,
        )
        assertEquals(listOf(PushStep.Sync), setup.on(state, PushEvent.Message("token-1", null)).second)
    }

    @Test
    fun unregisteredByTheDistributorUnregistersAtTheGatewayAndSaysSo() {
        val (state, steps) = setup.on(registered(), PushEvent.Unregistered("token-1"))
        assertEquals(PushState(), state)
        assertEquals(PushStep.UnregisterAtGateway, steps[0])
        assertTrue(steps[1] is PushStep.Degraded)
    }

    @Test
    fun aFailedRegistrationKeepsThePickAndIsAskedAgainAtTheNextStart() {
        val (asked, _) = setup.on(PushState(), PushEvent.Picked("org.example.ntfy", installed))
        val (failed, steps) = setup.on(asked, PushEvent.RegistrationFailed("token-1", "network"))
        assertEquals("org.example.ntfy", failed.distributor)
        assertTrue((steps.last() as PushStep.Degraded).why.contains("network"))
        val (_, again) = setup.on(failed, PushEvent.Installed(installed))
        assertEquals(listOf(PushStep.AskDistributor("org.example.ntfy", "token-2")), again)
    }

    @Test
    fun switchingDistributorsReleasesTheOldOneAndTurningOffUnregistersEverywhere() {
        val (switched, steps) = setup.on(registered(), PushEvent.Picked("org.example.nextpush", installed))
        assertEquals(
            listOf(
                PushStep.ReleaseDistributor("org.example.ntfy", "token-1"),
                PushStep.AskDistributor("org.example.nextpush", "token-2"),
            ),
            steps,
        )
        val (off, offSteps) = setup.on(switched, PushEvent.Picked(null, installed))
        assertEquals(PushState(), off)
        assertEquals(
            listOf(PushStep.ReleaseDistributor("org.example.nextpush", "token-2"), PushStep.UnregisterAtGateway),
            offSteps,
        )
    }

    @Test
    fun withNoDistributorInstalledAPickIsRefusedClearly() {
        val (state, steps) = setup.on(PushState(), PushEvent.Picked("org.example.ntfy", emptyList()))
        assertEquals(PushState(), state)
        assertEquals(listOf(PushStep.Degraded("org.example.ntfy is not installed")), steps)
        assertEquals(PushState() to emptyList<PushStep>(), setup.on(PushState(), PushEvent.Installed(emptyList())))
    }

    @Test
    fun anUninstalledDistributorTurnsPushOffAndAPendingGatewayRegistrationIsRetried() {
        val (gone, steps) = setup.on(registered(), PushEvent.Installed(listOf("org.example.nextpush")))
        assertEquals(PushState(), gone)
        assertEquals(PushStep.UnregisterAtGateway, steps[0])

        val (asked, _) = setup.on(PushState(), PushEvent.Picked("org.example.ntfy", installed))
        val (pending, _) = setup.on(asked, PushEvent.NewEndpoint(asked.token!!, "https://push.example/up/1"))
        val (_, retried) = setup.on(pending, PushEvent.Installed(installed))
        assertEquals(PushStep.RegisterAtGateway(PushEndpoint("https://push.example/up/1", keys)), retried.first())
    }

    @Test
    fun theStateNeverShowsTheEndpointOrTokenInLogs() {
        val text = registered().toString()
        assertFalse(text, text.contains("push.example") || text.contains("token-1"))
    }
}

class PushWordsTest {
    @Test
    fun withNoDistributorTheSettingsSayWhatToInstallAndWhatHappensMeanwhile() {
        val text = describePush(PushState(), emptyList())
        assertTrue(text, text.startsWith("No UnifiedPush distributor is installed"))
        assertEquals("Push is off: the app syncs while it is open or has work waiting.", describePush(PushState(), listOf("x")))
        val on = PushState(distributor = "x", token = "t", endpoint = "https://e", atGateway = "https://e")
        assertEquals("Push is on through x.", describePush(on, listOf("x")))
    }
}
