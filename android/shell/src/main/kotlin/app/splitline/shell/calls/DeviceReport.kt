package app.splitline.shell.calls

import app.splitline.shell.sip.PlatformSipStatus

/**
 * The device report for the core's routing, from what the platform said:
 * the SIP check, the data network, roaming, the network's and the SIM's
 * country (ISO codes, any case; the network's first) and the operator (MCC
 * and MNC; blank is unknown).
 */
fun callDevice(
    sip: PlatformSipStatus,
    network: DataNetwork,
    roaming: Boolean,
    networkCountryIso: String?,
    simCountryIso: String?,
    operator: String?,
): CallDevice =
    CallDevice(
        platformSip = sip.usable,
        network = network,
        roaming = roaming,
        country = (networkCountryIso?.takeIf { it.isNotBlank() } ?: simCountryIso.orEmpty()).uppercase(),
        operator = operator?.takeIf { it.isNotBlank() },
    )
