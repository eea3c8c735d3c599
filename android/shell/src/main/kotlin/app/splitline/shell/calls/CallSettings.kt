package app.splitline.shell.calls

/** Where the call settings are kept: the app implements it with SharedPreferences. */
interface SettingsStore {
    /** The value at [key], or null. */
    fun get(key: String): String?

    /** Keeps [value] at [key]; null removes it. */
    fun put(key: String, value: String?)
}

/** The user's call settings: how to call, the redirection rule, and the verified mobile number. */
class CallSettings(private val store: SettingsStore) {
    /** How the user would like to call; automatic until chosen. */
    var preference: CallPreference
        get() = enumOr(store.get(PREFERENCE), CallPreference.AUTOMATIC)
        set(value) = store.put(PREFERENCE, value.name)

    /** Which numbers of the phone's dialer go through Splitline; never until chosen. */
    var redirectRule: RedirectRule
        get() = enumOr(store.get(REDIRECT), RedirectRule.NEVER)
        set(value) = store.put(REDIRECT, value.name)

    /** The mobile number the gateway verified (E.164), or null. */
    var verifiedNumber: String?
        get() = store.get(VERIFIED)
        set(value) = store.put(VERIFIED, value)

    private inline fun <reified E : Enum<E>> enumOr(name: String?, default: E): E =
        enumValues<E>().firstOrNull { it.name == name } ?: default

    private companion object {
        const val PREFERENCE = "call.preference"
        const val REDIRECT = "call.redirect"
        const val VERIFIED = "call.verified_number"
    }
}
