package app.splitline.shell.calls

import org.junit.Assert.assertEquals
import org.junit.Test

/** The call flow, transition by transition (pure: no core needed). */
class CallFlowTest {
    private val device = CallDevice(false, DataNetwork.CELLULAR, false, "GB", "23415")
    private val request =
        CallRequest(Callee.Number("020 7946 0018"), CallPreference.AUTOMATIC, device, "GB", "+447400123456")
    private val callback = CallPlan(Route.CALLBACK, "+442079460018", null, false, "A callback.")
    private val access = CallPlan(Route.ACCESS_NUMBER, "+442079460018", "+442071234567", true, "An access number.")
    private val sip = CallPlan(Route.PLATFORM_SIP, "bob@localhost", null, false, "Over data.")

    private fun progress(phase: CallPhase, end: EndReason? = null, id: String = "c1") =
        CallInput.Progress(CallEvent.Progress(id, phase, end))

    private val planning = CallState.Planning(request)
    private val waiting = CallState.WaitingForCallback(callback, "c1", "+441234000000")
    private val dialling = CallState.DiallingAccessNumber(access, "c1", DialString("+442071234567", ""))
    private val ringing = CallState.Ringing(callback, "c1")
    private val inCall = CallState.InCall(callback, "c1")

    @Test
    fun startPlansFromIdleAndAfterAnEndedCall() {
        assertEquals(Transition(planning, CallEffect.PlanCall(request)), step(CallState.Idle, CallInput.Start(request)))
        assertEquals(
            Transition(planning, CallEffect.PlanCall(request)),
            step(CallState.Ended(EndReason.BUSY), CallInput.Start(request)),
        )
    }

    @Test
    fun startDuringACallIsIgnored() {
        for (state in listOf(planning, waiting, dialling, ringing, inCall)) {
            assertEquals(Transition(state), step(state, CallInput.Start(request)))
        }
    }

    @Test
    fun aPlanMakesThePlannedStateOnlyWhilePlanning() {
        assertEquals(Transition(CallState.Planned(request, callback)), step(planning, CallInput.PlanReady(callback)))
        assertEquals(Transition(CallState.Idle), step(CallState.Idle, CallInput.PlanReady(callback)))
        assertEquals(Transition(waiting), step(waiting, CallInput.PlanReady(access)))
    }

    @Test
    fun placingGoesThroughTheGatewayOrOverSipAsPlanned() {
        assertEquals(
            Transition(CallState.Placing(request, callback), CallEffect.PlaceThroughGateway(request)),
            step(CallState.Planned(request, callback), CallInput.Place),
        )
        assertEquals(
            Transition(CallState.Placing(request, sip), CallEffect.PlaceOverSip("bob@localhost")),
            step(CallState.Planned(request, sip), CallInput.Place),
        )
        assertEquals(Transition(planning), step(planning, CallInput.Place))
    }

    @Test
    fun aPlacedCallbackWaitsForTheCallbackAndACallThroughDials() {
        val placing = CallState.Placing(request, callback)
        assertEquals(
            Transition(waiting),
            step(placing, CallInput.Placed(PlacedCall("c1", null, "+441234000000"))),
        )
        assertEquals("+441234000000", waiting.pendingCallbackFrom())
        val placingAccess = CallState.Placing(request, access)
        val dial = DialString("+442071234567", "")
        assertEquals(
            Transition(CallState.DiallingAccessNumber(access, "c1", dial), CallEffect.Dial(dial)),
            step(placingAccess, CallInput.Placed(PlacedCall("c1", "+442071234567", "+441234000000"))),
        )
    }

    @Test
    fun aCallPlacedAfterTheUserHungUpIsCalledOffAtTheGateway() {
        val ended = CallState.Ended(EndReason.CANCELLED)
        assertEquals(
            Transition(ended, CallEffect.HangUpAtGateway("c9")),
            step(ended, CallInput.Placed(PlacedCall("c9", null, "+441234000000"))),
        )
    }

    @Test
    fun sipPlacementIsInCallWithNoGatewayCall() {
        assertEquals(Transition(CallState.InCall(sip, null)), step(CallState.Placing(request, sip), CallInput.PlacedOverSip))
        val gatewayPlacing = CallState.Placing(request, callback)
        assertEquals(Transition(gatewayPlacing), step(gatewayPlacing, CallInput.PlacedOverSip))
    }

    @Test
    fun theCoresUpdatesMoveTheCallOn() {
        assertEquals(Transition(waiting), step(waiting, progress(CallPhase.CALLING_YOU)))
        assertEquals(Transition(dialling), step(dialling, progress(CallPhase.AWAITING_DIAL)))
        assertEquals(Transition(ringing), step(waiting, progress(CallPhase.CONNECTING)))
        assertEquals(Transition(CallState.Ringing(access, "c1")), step(dialling, progress(CallPhase.RINGING)))
        assertEquals(Transition(inCall), step(ringing, progress(CallPhase.ANSWERED)))
        assertEquals(
            Transition(CallState.Ended(EndReason.CALLEE_HUNG_UP)),
            step(inCall, progress(CallPhase.ENDED, EndReason.CALLEE_HUNG_UP)),
        )
        assertEquals(Transition(CallState.Ended(EndReason.FAILED)), step(ringing, progress(CallPhase.ENDED)))
    }

    @Test
    fun anotherCallsUpdatesAndUpdatesBeforeACallIdAreIgnored() {
        assertEquals(Transition(waiting), step(waiting, progress(CallPhase.ANSWERED, id = "other")))
        val planned = CallState.Planned(request, callback)
        assertEquals(Transition(planned), step(planned, progress(CallPhase.ANSWERED)))
        assertEquals(Transition(CallState.Idle), step(CallState.Idle, progress(CallPhase.ENDED, EndReason.BUSY)))
    }

    @Test
    fun hangingUpEndsEveryActiveStateAndTellsTheGatewayWhenItHoldsTheCall() {
        for (state in listOf(waiting, dialling, ringing, inCall)) {
            assertEquals(
                Transition(CallState.Ended(EndReason.YOU_HUNG_UP), CallEffect.HangUpAtGateway("c1")),
                step(state, CallInput.HangUp),
            )
        }
        for (state in listOf(planning, CallState.Planned(request, callback), CallState.Placing(request, callback))) {
            assertEquals(Transition(CallState.Ended(EndReason.CANCELLED)), step(state, CallInput.HangUp))
        }
        assertEquals(
            Transition(CallState.Ended(EndReason.YOU_HUNG_UP), CallEffect.EndSipCall),
            step(CallState.InCall(sip, null), CallInput.HangUp),
        )
        assertEquals(Transition(CallState.Idle), step(CallState.Idle, CallInput.HangUp))
    }

    @Test
    fun aFailureEndsAnyActiveStateAndCallsOffAGatewayCall() {
        for (state in listOf(planning, CallState.Planned(request, callback), CallState.Placing(request, callback))) {
            assertEquals(Transition(CallState.Ended(EndReason.SETUP_FAILED, "no")), step(state, CallInput.Failed("no")))
        }
        for (state in listOf(waiting, dialling, ringing, inCall)) {
            assertEquals(
                Transition(CallState.Ended(EndReason.SETUP_FAILED, "no"), CallEffect.HangUpAtGateway("c1")),
                step(state, CallInput.Failed("no")),
            )
        }
        val ended = CallState.Ended(EndReason.BUSY)
        assertEquals(Transition(ended), step(ended, CallInput.Failed("late")))
    }

    @Test
    fun resetLeavesOnlyAnEndedCall() {
        assertEquals(Transition(CallState.Idle), step(CallState.Ended(EndReason.BUSY), CallInput.Reset))
        assertEquals(Transition(inCall), step(inCall, CallInput.Reset))
    }

    @Test
    fun onlyAWaitingCallbackIsPending() {
        for (state in listOf(CallState.Idle, planning, dialling, ringing, inCall, CallState.Ended(EndReason.BUSY))) {
            assertEquals(null, state.pendingCallbackFrom())
        }
    }
}
