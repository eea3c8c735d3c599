package app.splitline.shell.calls

import app.splitline.shell.account.Account
import app.splitline.shell.core.coreResult
import app.splitline.shell.core.listenerFlow
import app.splitline.shell.core.toCoreError
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.catch
import uniffi.splitline_bindings.CallListener
import uniffi.splitline_bindings.CallUpdateInfo
import uniffi.splitline_bindings.IncomingCallInfo
import uniffi.splitline_bindings.SplitlineException

/**
 * Calls and the address book's number lookups on [account], in the app's
 * types. Every call returns a [Result] whose failure is a
 * [app.splitline.shell.core.CoreError]; calls need the gateway now (signed in).
 */
class CallService(private val account: Account) {
    /** The core's plan for [request]: the route, its cost and why. */
    suspend fun plan(request: CallRequest): Result<CallPlan> =
        coreResult { account.client.calls().plan(request.toAsk()).toPlan() }

    /** Plans [request] and has the gateway place it (a callback, or a reserved call-through). */
    suspend fun place(request: CallRequest): Result<PlacedCall> =
        coreResult { account.client.calls().place(request.toAsk()).toPlaced() }

    /** Hangs up or cancels the call [callId]. */
    suspend fun hangUp(callId: String): Result<Unit> = coreResult { account.client.calls().hangUp(callId) }

    /** Starts proving [number] (E.164) is the user's mobile: the gateway rings it once. */
    suspend fun verifyMobileNumber(number: String): Result<Verification> =
        coreResult { account.client.calls().verifyMobileNumber(number).toVerification() }

    /** Confirms the flash call's [code]; the verified number, or null if the gateway verified none. */
    suspend fun confirmMobileNumber(code: String): Result<String?> =
        coreResult { account.client.calls().confirmMobileNumber(code) }

    /**
     * How calls go, incoming calls and the mobile's verification, while
     * collected. Fails with a [app.splitline.shell.core.CoreError] when the
     * core cannot subscribe (offline before the first sign-in).
     */
    val events: Flow<CallEvent> =
        listenerFlow { emit ->
            account.client.calls().subscribe(
                object : CallListener {
                    override fun onCallUpdated(update: CallUpdateInfo) = emit(update.toEvent())

                    override fun onIncomingCall(call: IncomingCallInfo) = emit(call.toEvent())

                    override fun onMobileVerified(number: String) = emit(CallEvent.MobileVerified(number))
                },
            )
        }.catch { e -> throw if (e is SplitlineException) e.toCoreError() else e }

    /** Who the number of [request] (a [Callee.Number]) is, what a call costs, and its route. */
    suspend fun lookup(request: CallRequest): Result<NumberLookup> =
        coreResult { account.client.addressBook().lookup(request.toAsk()).toLookup() }

    /** The name to show for a call from [number], or null: a label, not proof of who calls. */
    fun callerName(number: String): Result<String?> =
        coreResult { account.client.addressBook().callerName(number)?.label }

    /** Every native entry that shares a number with a network contact. */
    fun matches(): Result<List<ContactMatch>> =
        coreResult { account.client.addressBook().matches().map { ContactMatch(it.nativeId, it.name, it.jid, it.e164) } }
}
