package app.splitline.shell.calls

import uniffi.splitline_bindings.CallAsk
import uniffi.splitline_bindings.CallCallee
import uniffi.splitline_bindings.CallCostInfo
import uniffi.splitline_bindings.CallDevice as FfiDevice
import uniffi.splitline_bindings.CallEnd
import uniffi.splitline_bindings.CallPhase as FfiPhase
import uniffi.splitline_bindings.CallPlanInfo
import uniffi.splitline_bindings.CallPreference as FfiPreference
import uniffi.splitline_bindings.CallRoute
import uniffi.splitline_bindings.CallRules as FfiRules
import uniffi.splitline_bindings.CallUpdateInfo
import uniffi.splitline_bindings.DataNetwork as FfiNetwork
import uniffi.splitline_bindings.IncomingCallInfo
import uniffi.splitline_bindings.LookupInfo
import uniffi.splitline_bindings.PlacedCallInfo
import uniffi.splitline_bindings.VerificationInfo

// The generated types to and from the app's; nothing here decides anything.

internal fun CallRequest.toAsk(): CallAsk =
    CallAsk(
        callee = when (callee) {
            is Callee.Contact -> CallCallee.Contact(callee.address)
            is Callee.Number -> CallCallee.Number(callee.number)
        },
        preference = when (preference) {
            CallPreference.AUTOMATIC -> FfiPreference.AUTOMATIC
            CallPreference.DATA -> FfiPreference.DATA
            CallPreference.CALLBACK -> FfiPreference.CALLBACK
            CallPreference.ACCESS_NUMBER -> FfiPreference.ACCESS_NUMBER
        },
        device = FfiDevice(
            platformSip = device.platformSip,
            network = when (device.network) {
                DataNetwork.NONE -> FfiNetwork.NONE
                DataNetwork.WIFI -> FfiNetwork.WIFI
                DataNetwork.CELLULAR -> FfiNetwork.CELLULAR
            },
            roaming = device.roaming,
            country = device.country,
            operator = device.operator,
        ),
        rules = FfiRules(rules.voipOverData, rules.voipOnCellular, rules.callback, rules.accessNumbers),
        homeCountry = homeCountry,
        verifiedNumber = verifiedNumber,
    )

internal fun CallPlanInfo.toPlan(): CallPlan =
    CallPlan(
        route = when (route) {
            CallRoute.PLATFORM_SIP -> Route.PLATFORM_SIP
            CallRoute.CALLBACK -> Route.CALLBACK
            CallRoute.ACCESS_NUMBER -> Route.ACCESS_NUMBER
        },
        target = target,
        accessNumber = accessNumber,
        accessNumberTollFree = accessNumberTollFree,
        explanation = explanation,
    )

internal fun PlacedCallInfo.toPlaced(): PlacedCall = PlacedCall(callId, dial, callbackFrom)

internal fun CallUpdateInfo.toEvent(): CallEvent.Progress =
    CallEvent.Progress(
        callId = callId,
        phase = when (phase) {
            FfiPhase.AWAITING_DIAL -> CallPhase.AWAITING_DIAL
            FfiPhase.CALLING_YOU -> CallPhase.CALLING_YOU
            FfiPhase.CONNECTING -> CallPhase.CONNECTING
            FfiPhase.RINGING -> CallPhase.RINGING
            FfiPhase.ANSWERED -> CallPhase.ANSWERED
            FfiPhase.ENDED -> CallPhase.ENDED
        },
        end = end?.toReason(),
    )

private fun CallEnd.toReason(): EndReason =
    when (this) {
        CallEnd.YOU_HUNG_UP -> EndReason.YOU_HUNG_UP
        CallEnd.CALLEE_HUNG_UP -> EndReason.CALLEE_HUNG_UP
        CallEnd.YOU_DID_NOT_ANSWER -> EndReason.YOU_DID_NOT_ANSWER
        CallEnd.BUSY -> EndReason.BUSY
        CallEnd.NO_ANSWER -> EndReason.NO_ANSWER
        CallEnd.CANCELLED -> EndReason.CANCELLED
        CallEnd.NOT_DIALLED -> EndReason.NOT_DIALLED
        CallEnd.UNREACHABLE -> EndReason.UNREACHABLE
        CallEnd.FAILED -> EndReason.FAILED
        CallEnd.GATEWAY_RESTART -> EndReason.GATEWAY_RESTART
    }

internal fun IncomingCallInfo.toEvent(): CallEvent.Incoming =
    CallEvent.Incoming(callId, caller, callerName, callerVerified, callbackFrom)

internal fun VerificationInfo.toVerification(): Verification =
    Verification(number, callerPrefix, codeDigits.toInt(), expiresInSecs.toLong())

internal fun LookupInfo.toLookup(): NumberLookup =
    NumberLookup(
        number = number,
        names = native.map { it.name },
        contacts = contacts.map { it.jid },
        cost = when (val c = cost) {
            is CallCostInfo.FreeNetworkCall -> CallCost.FreeNetworkCall(c.jid)
            CallCostInfo.CarrierCall -> CallCost.CarrierCall
        },
        plan = plan?.toPlan(),
        explanation = explanation,
        international = international,
    )
