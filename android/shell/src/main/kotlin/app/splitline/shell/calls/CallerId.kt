package app.splitline.shell.calls

import uniffi.splitline_bindings.readPhoneNumber

/**
 * [callerId] as the platform shows it, read by the core in E.164 with the
 * SIM's [homeCountry] (a network may present a caller id in its national
 * form, `020 7946 0999` for `+44 20 7946 0999`); [callerId] itself when the
 * core cannot read it or is not loaded, so a call the core cannot read is
 * compared as shown.
 */
fun readCallerId(callerId: String?, homeCountry: String): String? {
    if (callerId.isNullOrBlank()) return callerId
    return try {
        readPhoneNumber(callerId, homeCountry) ?: callerId
    } catch (e: UnsatisfiedLinkError) {
        callerId
    } catch (e: RuntimeException) {
        callerId
    }
}
