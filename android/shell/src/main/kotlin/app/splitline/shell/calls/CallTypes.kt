package app.splitline.shell.calls

/** Whom to call. */
sealed class Callee {
    /** A network contact, by address. */
    data class Contact(val address: String) : Callee()

    /** A telephone number as typed or stored (the core reads it). */
    data class Number(val number: String) : Callee()
}

/** How the user would like to call (the call settings). */
enum class CallPreference { AUTOMATIC, DATA, CALLBACK, ACCESS_NUMBER }

/** The phone's data connection. */
enum class DataNetwork { NONE, WIFI, CELLULAR }

/** What the device reports to the core's routing when the user asks to call. */
data class CallDevice(
    /** The platform SIP check said the stack can place calls. */
    val platformSip: Boolean,
    val network: DataNetwork,
    val roaming: Boolean,
    /** The country the phone is in (ISO 3166 alpha-2). */
    val country: String,
    /** The network operator's MCC and MNC, when known. */
    val operator: String?,
)

/** The carrier's rules for calls, from the build. */
data class CallRules(
    val voipOverData: Boolean = true,
    val voipOnCellular: Boolean = true,
    val callback: Boolean = true,
    val accessNumbers: Boolean = true,
)

/** A call the user asks for, with everything the core plans it from. */
data class CallRequest(
    val callee: Callee,
    val preference: CallPreference,
    val device: CallDevice,
    /** The SIM's home country (ISO 3166 alpha-2). */
    val homeCountry: String,
    /** The user's verified mobile number (E.164), if verified. */
    val verifiedNumber: String?,
    val rules: CallRules = CallRules(),
)

/** How a call goes. */
enum class Route { PLATFORM_SIP, CALLBACK, ACCESS_NUMBER }

/** The core's plan for a call. */
data class CallPlan(
    val route: Route,
    /** The contact's address, or the number in E.164. */
    val target: String,
    /** The access number to dial (E.164), for [Route.ACCESS_NUMBER]. */
    val accessNumber: String?,
    val accessNumberTollFree: Boolean,
    /** Why the core chose this route, as a sentence for the screen. */
    val explanation: String,
)

/** A call the gateway is placing. */
data class PlacedCall(
    val callId: String,
    /** For a call-through: what the phone dials now, as the core gave it. */
    val dial: String?,
    /** For a callback: the caller id the gateway rings the mobile from. */
    val callbackFrom: String,
)

/** Where a call the gateway places is, as the core reports it. */
enum class CallPhase { AWAITING_DIAL, CALLING_YOU, CONNECTING, RINGING, ANSWERED, ENDED }

/** Why a call ended. */
enum class EndReason {
    YOU_HUNG_UP,
    CALLEE_HUNG_UP,
    YOU_DID_NOT_ANSWER,
    BUSY,
    NO_ANSWER,
    CANCELLED,
    NOT_DIALLED,
    UNREACHABLE,
    FAILED,
    GATEWAY_RESTART,

    /** The app could not set the call up (the core or the phone refused); the flow's own reason. */
    SETUP_FAILED,
}

/** What the core says about calls. */
sealed class CallEvent {
    /** A call the gateway places moved on; [end] with [CallPhase.ENDED]. */
    data class Progress(val callId: String, val phase: CallPhase, val end: EndReason?) : CallEvent()

    /** Someone calls the user; the gateway rings the mobile from [callbackFrom]. */
    data class Incoming(
        val callId: String,
        val caller: String,
        /** The caller's claim, unless [callerVerified]. */
        val callerName: String?,
        val callerVerified: Boolean,
        val callbackFrom: String,
    ) : CallEvent()

    /** The user's mobile number (E.164) is verified. */
    data class MobileVerified(val number: String) : CallEvent()
}

/** A flash-call verification under way. */
data class Verification(
    val number: String,
    /** The flash call's caller id starts with this. */
    val callerPrefix: String,
    /** How many digits of code follow the prefix. */
    val codeDigits: Int,
    val expiresInSecs: Long,
)

/** What a call to a number costs at the far end. */
sealed class CallCost {
    /** A network contact has the number: a free call to [address]. */
    data class FreeNetworkCall(val address: String) : CallCost()

    /** A carrier call. */
    data object CarrierCall : CallCost()
}

/** Who a number is and how a call to it would go. */
data class NumberLookup(
    /** E.164. */
    val number: String,
    /** The native address book's names for it. */
    val names: List<String>,
    /** The network contacts with it, by address. */
    val contacts: List<String>,
    val cost: CallCost,
    /** The route, or null when no route can place it now ([explanation] says why). */
    val plan: CallPlan?,
    val explanation: String,
    /** Not of the home country: an international call. */
    val international: Boolean,
)

/** A native entry that shares a number with a network contact. */
data class ContactMatch(val nativeId: String, val name: String, val address: String, val number: String)
