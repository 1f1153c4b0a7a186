"""validate/rules"""
