package app.splitline.android.calls

/** The view ids of the call screens (tests find views by them). */
object CallViews {
    const val NUMBER = 1801
    const val COST = 1802
    const val EXPLANATION = 1803
    const val CALL = 1804
    const val MATCHES = 1805
    const val ROUTE = 1806
    const val PROGRESS = 1807
    const val HANG_UP = 1808
    const val PREFERENCE = 1809
    const val REDIRECT = 1810
    const val ROLES = 1811
    const val CODE = 1812
    const val CONFIRM = 1813
    const val STATUS = 1814
    const val SEND = 1815
}
