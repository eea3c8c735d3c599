package app.splitline.shell.push

/**
 * The names of the UnifiedPush connector protocol on Android (spec AND_3.0.0,
 * unifiedpush.org/developers/spec/android; AND_2 distributors read the same
 * extras), which the app speaks itself: the connector library is not on
 * Maven Central and the app takes no AndroidX.
 */
object UnifiedPush {
    /** The app's receiver gets these from the distributor. */
    const val NEW_ENDPOINT = "org.unifiedpush.android.connector.NEW_ENDPOINT"
    const val MESSAGE = "org.unifiedpush.android.connector.MESSAGE"
    const val REGISTRATION_FAILED = "org.unifiedpush.android.connector.REGISTRATION_FAILED"
    const val UNREGISTERED = "org.unifiedpush.android.connector.UNREGISTERED"

    /** The app sends these to the distributor's registration receiver. */
    const val REGISTER = "org.unifiedpush.android.distributor.REGISTER"
    const val UNREGISTER = "org.unifiedpush.android.distributor.UNREGISTER"
    const val MESSAGE_ACK = "org.unifiedpush.android.distributor.MESSAGE_ACK"

    /** The connection token: made by the app, in every intent either way. */
    const val EXTRA_TOKEN = "token"

    /** The app's package (AND_2; AND_3 distributors read [EXTRA_PI]'s creator instead). */
    const val EXTRA_APPLICATION = "application"

    /** A PendingIntent of the app's, proving to the distributor who registers (AND_3). */
    const val EXTRA_PI = "pi"

    /** The application server's VAPID public key (the gateway's), base64url. */
    const val EXTRA_VAPID = "vapid"

    /** A short text the distributor may show for the registration. */
    const val EXTRA_MESSAGE = "message"

    /** The endpoint URL, with NEW_ENDPOINT. */
    const val EXTRA_ENDPOINT = "endpoint"

    /** The push's id, with MESSAGE; acknowledged with MESSAGE_ACK. */
    const val EXTRA_MESSAGE_ID = "id"

    /** Why a registration failed, with REGISTRATION_FAILED. */
    const val EXTRA_REASON = "reason"

    /** The longest connection token the spec allows, in bytes. */
    const val MAX_TOKEN_BYTES = 100
}
