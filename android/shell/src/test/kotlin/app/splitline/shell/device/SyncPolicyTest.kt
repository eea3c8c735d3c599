package app.splitline.shell.device

import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

class SyncPolicyTest {
    private val background = SyncNeeds(signedIn = true, inForeground = false)

    @Test
    fun aPendingCallInTheBackgroundRunsTheService() {
        val decision = decideSync(background.copy(reasons = setOf(SyncReason.CALL_PENDING)))
        assertEquals(SyncDecision.Run(setOf(SyncReason.CALL_PENDING)), decision)
    }

    @Test
    fun queuedMessagesInTheBackgroundRunTheServiceAndSaySo() {
        val reasons = setOf(SyncReason.MESSAGES_QUEUED)
        assertEquals(SyncDecision.Run(reasons), decideSync(background.copy(reasons = reasons)))
        assertEquals("Sending your messages", describeSync(reasons))
        assertEquals("Setting up your call", describeSync(setOf(SyncReason.MESSAGES_QUEUED, SyncReason.CALL_PENDING)))
    }

    @Test
    fun noServiceWhileAScreenIsOpenOrNothingWaitsOrNobodyIsSignedIn() {
        val reasons = setOf(SyncReason.CALL_PENDING, SyncReason.PUSH_WAKE)
        assertTrue(decideSync(background.copy(inForeground = true, reasons = reasons)) is SyncDecision.Idle)
        assertTrue(decideSync(background) is SyncDecision.Idle)
        assertTrue(decideSync(background.copy(signedIn = false, reasons = reasons)) is SyncDecision.Idle)
    }

    @Test
    fun afterThePlatformsTimeLimitTheServiceStaysOffUntilTheAppIsOpened() {
        val timedOut = background.copy(reasons = setOf(SyncReason.MESSAGES_QUEUED), timedOut = true)
        val idle = decideSync(timedOut)
        assertTrue(idle is SyncDecision.Idle && idle.why.contains("time limit"))
    }
}
